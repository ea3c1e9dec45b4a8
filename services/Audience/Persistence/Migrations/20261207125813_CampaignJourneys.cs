using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Audience.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CampaignJourneys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "BatchDay",
                table: "campaigns",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "campaigns",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "campaign");

            migrationBuilder.AddColumn<Guid>(
                name: "ParentId",
                table: "campaigns",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ParentId_BatchDay",
                table: "campaigns",
                columns: new[] { "ParentId", "BatchDay" },
                unique: true,
                filter: "\"ParentId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_campaigns_ParentId_BatchDay",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "BatchDay",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "campaigns");

            migrationBuilder.DropColumn(
                name: "ParentId",
                table: "campaigns");
        }
    }
}
