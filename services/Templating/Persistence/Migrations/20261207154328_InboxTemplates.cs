using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InboxTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "ArchivedAt", "Author", "BasedOnVersion", "Body", "Channel", "ClinicId", "CreatedAt", "Html", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[,]
                {
                    { new Guid("0193f5a0-0000-7000-8000-000000000018"), null, "system", null, "{{ reply.text }}", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "inbox.reply", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000019"), null, "system", null, "{{ reply.text }}", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "inbox.reply", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000001a"), null, "system", null, "{{ reply.text }}", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ reply.text | html.escape }}</p>", "inbox.reply", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Ответ на ваше сообщение{{ if clinic.name }} — {{ clinic.name }}{{ end }}", 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000001b"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, мы{{ else }}Мы{{ end }} находимся по адресу: {{ if clinic.address }}{{ clinic.address }}{{ else }}уточните у администратора{{ end }}{{ if clinic.name }} ({{ clinic.name }}){{ end }}. Ждём вас!", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "inbox.quick.address", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-00000000001c"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, {{ end }}{{ if clinic.phone }}{{ if patient.firstName }}наш{{ else }}Наш{{ end }} телефон: {{ clinic.phone }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Звоните, будем рады помочь!{{ else }}{{ if patient.firstName }}позвоните{{ else }}Позвоните{{ end }} нам в регистратуру{{ if clinic.name }} ({{ clinic.name }}){{ end }}: будем рады помочь!{{ end }}", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "inbox.quick.phone", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000018"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000019"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000001a"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000001b"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000001c"));
        }
    }
}
