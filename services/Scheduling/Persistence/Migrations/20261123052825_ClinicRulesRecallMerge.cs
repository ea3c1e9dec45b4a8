using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Scheduling.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ClinicRulesRecallMerge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HoursBefore",
                table: "scheduled_sends",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "MergedInto",
                table: "scheduled_sends",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DoctorSpecialty",
                table: "appointments",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "clinic_rules",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Document = table.Column<string>(type: "jsonb", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_clinic_rules", x => x.ClinicId);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "clinic_rules");

            migrationBuilder.DropColumn(
                name: "HoursBefore",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "MergedInto",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "DoctorSpecialty",
                table: "appointments");
        }
    }
}
