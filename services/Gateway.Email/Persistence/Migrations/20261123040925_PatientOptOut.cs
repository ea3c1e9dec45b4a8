using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Gateway.Email.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PatientOptOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "OptedOutAt",
                table: "consent_projection",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OptedOutAt",
                table: "consent_projection");
        }
    }
}
