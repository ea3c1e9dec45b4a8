using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Gateway.Sms.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MessageConcurrencyToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
