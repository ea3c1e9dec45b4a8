using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Audience.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CampaignCapIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_messages_PatientId_RequestedAt",
                table: "messages",
                columns: new[] { "PatientId", "RequestedAt" },
                filter: "\"Purpose\" = 'marketing'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_PatientId_RequestedAt",
                table: "messages");
        }
    }
}
