using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Consent.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MessageLogCause : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Cause",
                table: "message_log",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Cause",
                table: "message_log");
        }
    }
}
