namespace Comms.Contracts.Audience;

/// <summary>
/// The churn signals Audience raises (<c>audience.churn_risk</c>'s <c>signals[].code</c>), which a clinic's reminder
/// rules may answer with a reactivation message (Scheduling).
/// </summary>
public static class ChurnSignals
{
    /// <summary>The model gives the patient a low probability of still being the clinic's.</summary>
    public const string LowProbabilityAlive = "low_p_alive";

    /// <summary>Days since the last visit beyond k × the patient's own usual interval.</summary>
    public const string Overdue = "overdue";

    /// <summary>Visits in the last year well below the year before.</summary>
    public const string FallingFrequency = "falling_frequency";

    /// <summary>A treatment course with a cancelled or missed step and nothing after it.</summary>
    public const string CourseUnfinished = "course_unfinished";

    public static readonly IReadOnlyList<string> All = [LowProbabilityAlive, Overdue, FallingFrequency, CourseUnfinished];

    /// <summary>The event type Audience announces them with, on <c>comms.events</c>.</summary>
    public const string EventType = "audience.churn_risk";
}
