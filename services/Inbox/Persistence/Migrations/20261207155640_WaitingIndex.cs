using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Inbox.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WaitingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_conversations_ClinicId_LastInboundAt",
                table: "conversations",
                columns: new[] { "ClinicId", "LastInboundAt" },
                filter: "\"WaitingSince\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_conversations_ClinicId_LastInboundAt",
                table: "conversations");
        }
    }
}
