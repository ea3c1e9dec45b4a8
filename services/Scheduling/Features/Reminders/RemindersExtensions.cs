using Comms.Scheduling.Features.MisEvents;
using Comms.Scheduling.Features.Rules;
using Comms.ServiceDefaults.Access;
using Comms.ServiceDefaults.Persistence;

namespace Comms.Scheduling.Features.Reminders;

public static class RemindersExtensions
{
    public static IHostApplicationBuilder AddReminders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReminderOptions>().BindConfiguration(ReminderOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IClinicKeys, MisClinicKeys>();
        builder.AddApiKeys();
        builder.Services.AddScoped<ClinicRulesStore>();
        builder.Services.AddScoped<AppointmentPlanner>();
        builder.Services.AddScoped<MergedSends>();
        builder.Services.AddFailingRows<Guid>("reminder", "due-sends");
        builder.Services.AddHostedService<DueDispatcher>();
        return builder;
    }
}
