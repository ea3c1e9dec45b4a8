using Comms.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Email.Persistence;

public sealed class EmailDbContext(DbContextOptions<EmailDbContext> options) : GatewayDbContext(options);
