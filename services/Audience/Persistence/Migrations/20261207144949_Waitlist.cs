using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Audience.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Waitlist : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "waitlist_entries",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    EntryId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DoctorId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Specialty = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    WantedFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    WantedTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RemovedReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_waitlist_entries", x => new { x.ClinicId, x.EntryId });
                });

            migrationBuilder.CreateTable(
                name: "waitlist_offers",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    SlotId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    EntryId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OfferedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConsentSequence = table.Column<long>(type: "bigint", nullable: false),
                    FollowUpMessageId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_waitlist_offers", x => x.MessageId);
                });

            migrationBuilder.CreateTable(
                name: "waitlist_slots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MisSlotId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    FreedByAppointmentId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    FreedByPatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DoctorId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DoctorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Specialty = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DurationMinutes = table.Column<int>(type: "integer", nullable: true),
                    ServiceCode = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ServiceName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Round = table.Column<int>(type: "integer", nullable: false),
                    NextAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClaimedEntryId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ClaimedPatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ClaimedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_waitlist_slots", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_waitlist_entries_ClinicId_Status",
                table: "waitlist_entries",
                columns: new[] { "ClinicId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_waitlist_offers_ClinicId_EntryId_State",
                table: "waitlist_offers",
                columns: new[] { "ClinicId", "EntryId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_waitlist_offers_SlotId_EntryId",
                table: "waitlist_offers",
                columns: new[] { "SlotId", "EntryId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_waitlist_slots_ClinicId_DoctorId_StartsAt",
                table: "waitlist_slots",
                columns: new[] { "ClinicId", "DoctorId", "StartsAt" },
                unique: true,
                filter: "\"Status\" = 'open'");

            migrationBuilder.CreateIndex(
                name: "IX_waitlist_slots_Status_NextAt",
                table: "waitlist_slots",
                columns: new[] { "Status", "NextAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "waitlist_entries");

            migrationBuilder.DropTable(
                name: "waitlist_offers");

            migrationBuilder.DropTable(
                name: "waitlist_slots");
        }
    }
}
