using Comms.Scheduling.Features.Access;
using Comms.Scheduling.Features.Rules;

namespace Comms.Scheduling.Features.Reminders;

public static class RemindersExtensions
{
    public static IHostApplicationBuilder AddReminders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<ClinicRulesStore>();
        builder.Services.AddScoped<AppointmentPlanner>();
        builder.Services.AddHostedService<DueDispatcher>();
        return builder;
    }
}
