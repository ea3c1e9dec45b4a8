using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MaxTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "ArchivedAt", "Author", "BasedOnVersion", "Body", "Channel", "ClinicId", "CreatedAt", "Html", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[,]
                {
                    { new Guid("0193f5a0-0000-7000-8000-000000000008"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, вы{{ else }}Вы{{ end }} записаны на приём {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}. Подтвердите, пожалуйста, запись или отмените её кнопкой ниже.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "appointment.confirmation", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000009"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, напоминаем{{ else }}Напоминаем{{ end }} о приёме {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "appointment.reminder", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000000a"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, мы{{ else }}Мы{{ end }} не дождались вас на приёме{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Если приём ещё нужен, запишитесь снова{{ if clinic.phone }} по тел. {{ clinic.phone }}{{ end }}.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "appointment.missed", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000000b"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, подошёл{{ else }}Подошёл{{ end }} срок планового визита, рекомендованного после приёма {{ appointment.date }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Запишитесь{{ if clinic.phone }} по тел. {{ clinic.phone }}{{ end }}, пожалуйста.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "appointment.recall", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000000c"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}, пожалуйста, визит{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if feedback.link }}, по ссылке {{ feedback.link }}{{ else }}: выберите оценку ниже, от 1 (плохо) до 5 (отлично){{ end }}. Спасибо!", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "feedback.request", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000008"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000009"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000a"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000b"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000c"));
        }
    }
}
