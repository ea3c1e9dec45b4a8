using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Scheduling.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ChannelFallback : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Sends planned before channel fallback existed get the rules' defaults: move on when a channel surely failed.
            migrationBuilder.AddColumn<int>(
                name: "ChannelStep",
                table: "scheduled_sends",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Fallback_NotDeliveredWithinMinutes",
                table: "scheduled_sends",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Fallback_OnFailure",
                table: "scheduled_sends",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Fallback_OnNoConsent",
                table: "scheduled_sends",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<bool>(
                name: "Fallback_OnNoContact",
                table: "scheduled_sends",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.CreateTable(
                name: "channel_attempts",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    SendMessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Step = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DeliveryStatus = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    DeliveryReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Cause = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    DeliveryUpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_channel_attempts", x => x.MessageId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_channel_attempts_SendMessageId_Step",
                table: "channel_attempts",
                columns: new[] { "SendMessageId", "Step" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "channel_attempts");

            migrationBuilder.DropColumn(
                name: "ChannelStep",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "Fallback_NotDeliveredWithinMinutes",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "Fallback_OnFailure",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "Fallback_OnNoConsent",
                table: "scheduled_sends");

            migrationBuilder.DropColumn(
                name: "Fallback_OnNoContact",
                table: "scheduled_sends");
        }
    }
}
