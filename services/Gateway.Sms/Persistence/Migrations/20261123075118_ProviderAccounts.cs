using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Comms.Gateway.Sms.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ProviderAccounts : Migration
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

            migrationBuilder.CreateTable(
                name: "flagged_contacts",
                columns: table => new
                {
                    Contact = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Account = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: true),
                    FlaggedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_flagged_contacts", x => x.Contact);
                });

            migrationBuilder.CreateTable(
                name: "send_attempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Account = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ClientReference = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ProviderMessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PendingText = table.Column<string>(type: "text", nullable: true),
                    ResolveAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_send_attempts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_messages_ClinicId_AcceptedAt",
                table: "messages",
                columns: new[] { "ClinicId", "AcceptedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_send_attempts_Account_ClientReference",
                table: "send_attempts",
                columns: new[] { "Account", "ClientReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_send_attempts_MessageId_Number",
                table: "send_attempts",
                columns: new[] { "MessageId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_send_attempts_ResolveAfter",
                table: "send_attempts",
                column: "ResolveAfter",
                filter: "\"ResolveAfter\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "flagged_contacts");

            migrationBuilder.DropTable(
                name: "send_attempts");

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
