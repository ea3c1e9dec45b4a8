using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Scheduling.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ConfirmationAnswers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Answer",
                table: "scheduled_sends",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AnsweredAt",
                table: "appointments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Confirmation",
                table: "appointments",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Answer",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "appointments");

            migrationBuilder.DropColumn(
                name: "Confirmation",
                table: "appointments");
        }
    }
}
