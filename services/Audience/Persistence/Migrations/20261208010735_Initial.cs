using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Comms.Audience.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "addressees",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    FirstName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    MiddleName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LastName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_addressees", x => new { x.ClinicId, x.PatientId });
                });

            migrationBuilder.CreateTable(
                name: "campaign_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Detail = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Group = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ConsentSequence = table.Column<long>(type: "bigint", nullable: true),
                    ConsentChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaign_recipients", x => new { x.CampaignId, x.ClinicId, x.PatientId });
                });

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ScopeId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Definition = table.Column<string>(type: "jsonb", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ApprovedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ApprovedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LaunchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false, defaultValue: "campaign"),
                    ParentId = table.Column<Guid>(type: "uuid", nullable: true),
                    BatchDay = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_campaigns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "channel_consents",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Granted = table.Column<bool>(type: "boolean", nullable: false),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Contact = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Method = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_channel_consents", x => new { x.ClinicId, x.PatientId, x.Channel, x.Purpose });
                });

            migrationBuilder.CreateTable(
                name: "clinic_cards",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_clinic_cards", x => x.ClinicId);
                });

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
                name: "import_rejections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    ImportId = table.Column<Guid>(type: "uuid", nullable: false),
                    Line = table.Column<int>(type: "integer", nullable: false),
                    Field = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_rejections", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "imports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Caller = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Rows = table.Column<int>(type: "integer", nullable: false),
                    Applied = table.Column<int>(type: "integer", nullable: false),
                    Rejected = table.Column<int>(type: "integer", nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_imports", x => x.Id);
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
                name: "messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AppointmentId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    TemplateKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Purpose = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ExpectedReply = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    RequestedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Cost = table.Column<decimal>(type: "numeric(12,4)", precision: 12, scale: 4, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    RepliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Answer = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_messages", x => x.MessageId);
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
                name: "patient_segments",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Segment = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Signals = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Since = table.Column<DateOnly>(type: "date", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patient_segments", x => new { x.ClinicId, x.PatientId });
                });

            migrationBuilder.CreateTable(
                name: "patients",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    BirthDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Sex = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    City = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    District = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AcquisitionSource = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReferredBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_patients", x => new { x.ClinicId, x.PatientId });
                });

            migrationBuilder.CreateTable(
                name: "ratings",
                columns: table => new
                {
                    FeedbackId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Rating = table.Column<int>(type: "integer", nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ratings", x => x.FeedbackId);
                });

            migrationBuilder.CreateTable(
                name: "segment_moves",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    From = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    On = table.Column<DateOnly>(type: "date", nullable: false),
                    Reasons = table.Column<string>(type: "jsonb", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_segment_moves", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "segment_rules",
                columns: table => new
                {
                    ScopeId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Document = table.Column<string>(type: "jsonb", nullable: true),
                    ChangedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ChangedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_segment_rules", x => new { x.ScopeId, x.Revision });
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
                name: "visits",
                columns: table => new
                {
                    ClinicId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    VisitKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    PatientId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Date = table.Column<DateOnly>(type: "date", nullable: true),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    TimeZone = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    Discount = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: true),
                    ServiceCode = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DoctorId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Specialty = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CourseId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CancelledBy = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    BookedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false),
                    DetailsVersion = table.Column<long>(type: "bigint", nullable: false),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_visits", x => new { x.ClinicId, x.VisitKey });
                });

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
                name: "IX_campaign_audit_CampaignId_Id",
                table: "campaign_audit",
                columns: new[] { "CampaignId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_DueAt",
                table: "campaign_recipients",
                column: "DueAt",
                filter: "\"State\" = 'planned'");

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_MessageId",
                table: "campaign_recipients",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_campaign_recipients_PatientId_SentAt",
                table: "campaign_recipients",
                columns: new[] { "PatientId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ParentId_BatchDay",
                table: "campaigns",
                columns: new[] { "ParentId", "BatchDay" },
                unique: true,
                filter: "\"ParentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_campaigns_ScopeId_CreatedAt",
                table: "campaigns",
                columns: new[] { "ScopeId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_import_rejections_ImportId_Line",
                table: "import_rejections",
                columns: new[] { "ImportId", "Line" });

            migrationBuilder.CreateIndex(
                name: "IX_inbox_messages_ProcessedAt",
                table: "inbox_messages",
                column: "ProcessedAt");

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClinicId_AppointmentId",
                table: "messages",
                columns: new[] { "ClinicId", "AppointmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClinicId_RequestedAt",
                table: "messages",
                columns: new[] { "ClinicId", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_messages_PatientId_RequestedAt",
                table: "messages",
                columns: new[] { "PatientId", "RequestedAt" },
                filter: "\"Purpose\" = 'marketing'");

            migrationBuilder.CreateIndex(
                name: "IX_ratings_ClinicId_PatientId_AnsweredAt",
                table: "ratings",
                columns: new[] { "ClinicId", "PatientId", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ratings_ClinicId_RecordedAt",
                table: "ratings",
                columns: new[] { "ClinicId", "RecordedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_segment_moves_ClinicId_PatientId_Id",
                table: "segment_moves",
                columns: new[] { "ClinicId", "PatientId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_staff_sign_in_throttles_LastFailedAt",
                table: "staff_sign_in_throttles",
                column: "LastFailedAt");

            migrationBuilder.CreateIndex(
                name: "IX_visits_ClinicId_PatientId_Date",
                table: "visits",
                columns: new[] { "ClinicId", "PatientId", "Date" });

            migrationBuilder.CreateIndex(
                name: "IX_visits_ClinicId_UpdatedAt",
                table: "visits",
                columns: new[] { "ClinicId", "UpdatedAt" });

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
                name: "addressees");

            migrationBuilder.DropTable(
                name: "campaign_audit");

            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "campaigns");

            migrationBuilder.DropTable(
                name: "channel_consents");

            migrationBuilder.DropTable(
                name: "clinic_cards");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "import_rejections");

            migrationBuilder.DropTable(
                name: "imports");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "patient_segments");

            migrationBuilder.DropTable(
                name: "patients");

            migrationBuilder.DropTable(
                name: "ratings");

            migrationBuilder.DropTable(
                name: "segment_moves");

            migrationBuilder.DropTable(
                name: "segment_rules");

            migrationBuilder.DropTable(
                name: "staff_sign_in_throttles");

            migrationBuilder.DropTable(
                name: "visits");

            migrationBuilder.DropTable(
                name: "waitlist_entries");

            migrationBuilder.DropTable(
                name: "waitlist_offers");

            migrationBuilder.DropTable(
                name: "waitlist_slots");
        }
    }
}
