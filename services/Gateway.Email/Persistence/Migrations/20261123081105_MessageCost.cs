using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Gateway.Email.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MessageCost : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcceptedAt",
                table: "messages",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Cost",
                table: "messages",
                type: "numeric(12,4)",
                precision: 12,
                scale: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "messages",
                type: "character varying(3)",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Segments",
                table: "messages",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClinicId_AcceptedAt",
                table: "messages",
                columns: new[] { "ClinicId", "AcceptedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_messages_ClinicId_AcceptedAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "AcceptedAt",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "Cost",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "Segments",
                table: "messages");
        }
    }
}
