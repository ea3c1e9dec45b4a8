using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackFollowUpTemplate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "ArchivedAt", "Author", "BasedOnVersion", "Body", "Channel", "ClinicId", "CreatedAt", "Html", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[,]
                {
                    { new Guid("0193f5a0-0000-7000-8000-00000000000d"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, спасибо{{ else }}Спасибо{{ end }} за оценку{{ if clinic.name }}, {{ clinic.name }}{{ end }}! Будем рады паре слов в ответ.{{ if feedback.reviewLink }} Отзыв: {{ feedback.reviewLink }}{{ end }}", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "feedback.followup", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000000e"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, спасибо{{ else }}Спасибо{{ end }} за оценку{{ if clinic.name }}, {{ clinic.name }}{{ end }}! Будем рады паре слов в ответ.{{ if feedback.reviewLink }} Отзыв: {{ feedback.reviewLink }}{{ end }}", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "feedback.followup", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000d"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000e"));
        }
    }
}
