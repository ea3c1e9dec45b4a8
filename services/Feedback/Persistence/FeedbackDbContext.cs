using Comms.ServiceDefaults.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Comms.Feedback.Persistence;

/// <summary>Feedback requests, ratings and reviews arrive with the Feedback issue; the outbox and inbox are here now.</summary>
public sealed class FeedbackDbContext(DbContextOptions<FeedbackDbContext> options) : ServiceDbContext(options);
