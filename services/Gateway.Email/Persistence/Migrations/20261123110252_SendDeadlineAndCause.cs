using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Gateway.Email.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SendDeadlineAndCause : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Cause",
                table: "messages",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NotAfter",
                table: "messages",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Cause",
                table: "messages");

            migrationBuilder.DropColumn(
                name: "NotAfter",
                table: "messages");
        }
    }
}
