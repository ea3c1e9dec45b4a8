using Comms.Delivery;
using Microsoft.EntityFrameworkCore;

namespace Comms.Gateway.WhatsApp.Persistence;

public sealed class WhatsAppDbContext(DbContextOptions<WhatsAppDbContext> options) : GatewayDbContext(options);
