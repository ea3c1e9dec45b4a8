using System.Text;
using System.Text.Json;
using Comms.ServiceDefaults.Http;

namespace Comms.ServiceDefaults.Tests;

public sealed class StoredTextTests
{
    [Theory]
    [InlineData("Иванова")]
    [InlineData("tab\tand\nnew line")]
    [InlineData("emoji 😀 pair")]
    [InlineData("")]
    public void Ordinary_text_is_taken(string text) => Assert.Null(StoredText.Problem(text));

    // The test runner carries its arguments as UTF-8, which cannot hold a lone surrogate: the text is built here.
    [Theory]
    [InlineData("Ива{0}нова", 0x0000, "NUL")]
    [InlineData("lone {0} high", 0xD800, "surrogate")]
    [InlineData("lone {0} low", 0xDC00, "surrogate")]
    [InlineData("ends in a high {0}", 0xD83D, "surrogate")]
    public void Text_that_cannot_be_stored_is_named(string format, int code, string reason) =>
        Assert.Contains(reason, StoredText.Problem(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, (char)code)), StringComparison.Ordinal);

    [Fact]
    public void Every_bad_string_of_a_document_is_named_by_its_path()
    {
        const string json = """
            {"data":{"patient":{"lastName":"Ива\u0000нова","phone":"+79161234567"},
                     "services":[{"code":"A"},{"code":"B","name":"x\ud800y"}]},
             "id":"ok"}
            """;

        var errors = StoredText.FindInJson(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["data.patient.lastName", "data.services[1].name"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("NUL", errors["data.patient.lastName"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_is_named_from_its_index()
    {
        var errors = StoredText.FindInJson("""[{"id":"a"},{"id":"b","data":{"x":[1,2,"\u0000"]}}]"""u8);

        Assert.Equal("[1].data.x[2]", Assert.Single(errors.Keys));
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_are_named()
    {
        byte[] json = [.. "{\"name\":\""u8, 0xC3, 0x28, .. "\",\"ok\":\"x\"}"u8];

        var errors = StoredText.FindInJson(json);

        Assert.Contains("UTF-8", Assert.Single(errors, e => e.Key == "name").Value[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_property_name_with_a_NUL_is_named()
    {
        var errors = StoredText.FindInJson("""{"a\u0000b":1}"""u8);

        Assert.Contains("property name", Assert.Single(errors).Value[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"key\":")]
    [InlineData("{\"key\" \"x\"}")]
    [InlineData("not json")]
    public void Broken_JSON_is_one_error_at_the_root_without_quoting_the_text(string json)
    {
        var errors = StoredText.FindInJson(Encoding.UTF8.GetBytes(json));

        var error = Assert.Single(errors);
        Assert.Equal("$", error.Key);
        Assert.StartsWith("is not valid JSON", error.Value[0], StringComparison.Ordinal);
        Assert.DoesNotContain("'", error.Value[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_sound_document_has_no_errors() =>
        Assert.Empty(StoredText.FindInJson("""{"a":[{"b":"Иванова 😀"},null,true,1.5],"c":{}}"""u8));

    private sealed record Rules(int HoursBefore, string TemplateKey, List<Send> Sends, Window? Window);

    private sealed record Send(int HoursBefore, bool Enabled);

    private sealed record Window(TimeOnly Start);

    [Fact]
    public void The_shape_check_names_every_field_that_does_not_fit_not_only_the_first()
    {
        using var document = JsonDocument.Parse("""
            {"hoursBefore":"soon","templateKey":5,"sends":[{"hoursBefore":1,"enabled":true},{"hoursBefore":"x","enabled":"yes"}],
             "window":{"start":"25:99"},"extra":1}
            """);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

        var errors = JsonShape.Check(document.RootElement, typeof(Rules), options);

        Assert.Equal(
            ["extra", "hoursBefore", "sends[1].enabled", "sends[1].hoursBefore", "templateKey", "window.start"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("whole number", errors["hoursBefore"][0], StringComparison.Ordinal);
        Assert.Equal("is not a field here", errors["extra"][0]);
    }

    [Fact]
    public void The_shape_check_finds_nothing_in_a_document_that_fits()
    {
        using var document = JsonDocument.Parse("""{"hoursBefore":2,"templateKey":"a","sends":[],"window":null}""");

        Assert.Empty(JsonShape.Check(document.RootElement, typeof(Rules), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    }
}
