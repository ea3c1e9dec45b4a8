using Comms.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.Sms.Persistence;

public sealed class SmsDbContext(DbContextOptions<SmsDbContext> options) : GatewayDbContext(options);
