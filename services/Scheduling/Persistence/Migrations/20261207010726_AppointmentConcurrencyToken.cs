using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Scheduling.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AppointmentConcurrencyToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "appointments",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "xmin",
                table: "appointments");
        }
    }
}
