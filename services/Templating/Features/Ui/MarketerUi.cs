namespace Comms.Templating.Features.Ui;

/// <summary>
/// The marketers' pages: the template list and the editor, plain HTML and scripts over the templates API. The pages
/// need sign-in (a visitor without it is sent to the sign-in page); their scripts and styles are public.
/// </summary>
public static class MarketerUi
{
    public static WebApplication MapMarketerUi(this WebApplication app)
    {
        app.UseStaticFiles();
        app.MapGet("/", () => Page("index.html")).RequireAuthorization().ExcludeFromDescription();
        app.MapGet("/templates/edit", () => Page("editor.html")).RequireAuthorization().ExcludeFromDescription();
        return app;

        IResult Page(string file) =>
            TypedResults.PhysicalFile(Path.Combine(app.Environment.WebRootPath, "ui", file), "text/html; charset=utf-8");
    }
}
