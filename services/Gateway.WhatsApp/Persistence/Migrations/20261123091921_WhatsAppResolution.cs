using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Gateway.WhatsApp.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WhatsAppResolution : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ResolveAfter",
                table: "send_attempts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_send_attempts_ResolveAfter",
                table: "send_attempts",
                column: "ResolveAfter",
                filter: "\"ResolveAfter\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_send_attempts_ResolveAfter",
                table: "send_attempts");

            migrationBuilder.DropColumn(
                name: "ResolveAfter",
                table: "send_attempts");
        }
    }
}
