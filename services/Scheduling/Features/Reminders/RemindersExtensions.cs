namespace Comms.Scheduling.Features.Reminders;

public static class RemindersExtensions
{
    public static IHostApplicationBuilder AddReminders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<AppointmentPlanner>();
        builder.Services.AddHostedService<DueDispatcher>();
        return builder;
    }
}
