using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Comms.Feedback.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "feedback_requests",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AppointmentId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StatusReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Scale = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Channels = table.Column<List<string>>(type: "text[]", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DispatchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    TokenHash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: true),
                    LinkExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Rating = table.Column<int>(type: "integer", nullable: true),
                    RatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RatingChannel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Review = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReviewChannel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    FollowUpMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    AlertedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feedback_requests", x => x.MessageId);
                });

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    MessageKey = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Receiver = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ProcessedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_messages", x => new { x.MessageKey, x.Receiver });
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageType = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "jsonb", nullable: false),
                    Exchange = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RoutingKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "staff_sign_in_throttles",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    LastFailedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Locked = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_sign_in_throttles", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "unrecognised_replies",
                columns: table => new
                {
                    ReplyId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestMessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ExpectedReply = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_unrecognised_replies", x => x.ReplyId);
                });

            migrationBuilder.CreateTable(
                name: "visits",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AppointmentId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    HasDetails = table.Column<bool>(type: "boolean", nullable: false),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClinicName = table.Column<string>(type: "text", nullable: true),
                    ClinicTimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    PatientId = table.Column<string>(type: "text", nullable: true),
                    LastName = table.Column<string>(type: "text", nullable: true),
                    FirstName = table.Column<string>(type: "text", nullable: true),
                    MiddleName = table.Column<string>(type: "text", nullable: true),
                    Phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    PatientTimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    DoctorId = table.Column<string>(type: "text", nullable: true),
                    DoctorName = table.Column<string>(type: "text", nullable: true),
                    DoctorSpecialty = table.Column<string>(type: "text", nullable: true),
                    ServiceCode = table.Column<string>(type: "text", nullable: true),
                    ServiceName = table.Column<string>(type: "text", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_visits", x => new { x.ClinicId, x.AppointmentId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_requests_ClinicId_AppointmentId",
                table: "feedback_requests",
                columns: new[] { "ClinicId", "AppointmentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_requests_ClinicId_PatientId",
                table: "feedback_requests",
                columns: new[] { "ClinicId", "PatientId" });

            migrationBuilder.CreateIndex(
                name: "IX_feedback_requests_DueAt",
                table: "feedback_requests",
                column: "DueAt",
                filter: "\"Status\" = 'pending'");

            migrationBuilder.CreateIndex(
                name: "IX_feedback_requests_FollowUpMessageId",
                table: "feedback_requests",
                column: "FollowUpMessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_feedback_requests_TokenHash",
                table: "feedback_requests",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_inbox_messages_ProcessedAt",
                table: "inbox_messages",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "IX_staff_sign_in_throttles_LastFailedAt",
                table: "staff_sign_in_throttles",
                column: "LastFailedAt");

            migrationBuilder.CreateIndex(
                name: "IX_unrecognised_replies_RequestMessageId",
                table: "unrecognised_replies",
                column: "RequestMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_visits_ClinicId_PatientId",
                table: "visits",
                columns: new[] { "ClinicId", "PatientId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "feedback_requests");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "staff_sign_in_throttles");

            migrationBuilder.DropTable(
                name: "unrecognised_replies");

            migrationBuilder.DropTable(
                name: "visits");
        }
    }
}
