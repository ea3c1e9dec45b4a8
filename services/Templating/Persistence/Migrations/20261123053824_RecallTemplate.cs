using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RecallTemplate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "Body", "Channel", "CreatedAt", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version" },
                values: new object[] { new Guid("0193f5a0-0000-7000-8000-000000000004"), "{{ if patient.firstName }}{{ patient.firstName }}, подошёл{{ else }}Подошёл{{ end }} срок планового визита, рекомендованного после приёма {{ appointment.date }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Запишитесь{{ if clinic.phone }} по тел. {{ clinic.phone }}{{ end }}, пожалуйста.", "sms", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "appointment.recall", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1 });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000004"));
        }
    }
}
