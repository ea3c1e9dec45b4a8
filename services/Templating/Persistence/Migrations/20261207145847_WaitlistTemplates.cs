using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WaitlistTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "ArchivedAt", "Author", "BasedOnVersion", "Body", "Channel", "ClinicId", "CreatedAt", "Html", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[,]
                {
                    { new Guid("0193f5a0-0000-7000-8000-00000000000f"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, освободилось{{ else }}Освободилось{{ end }} время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Ответьте 1 до {{ offer.until }}, чтобы записаться; 2 — не нужно.", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.offer", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000010"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }} за вами{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Клиника оформит запись и пришлёт подтверждение.", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.claimed", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000011"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }},{{ end }} уже занято. Вы остаётесь в листе ожидания: сообщим, когда освободится другое.", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.taken", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000012"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, освободилось{{ else }}Освободилось{{ end }} время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}. Записаться — кнопкой ниже до {{ offer.until }}: время получит тот, кто ответит первым.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.offer", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000013"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }} за вами{{ if clinic.name }}, {{ clinic.name }}{{ end }}. Клиника оформит запись и пришлёт подтверждение.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.claimed", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000014"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, время{{ else }}Время{{ end }} {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }},{{ end }} уже занято. Вы остаётесь в листе ожидания: сообщим, когда освободится другое.", "max", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "waitlist.taken", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000015"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nОсвободилось время {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }} — вы просили сообщить о нём.\n\nЧтобы записаться, ответьте на это письмо цифрой 1 до {{ offer.until }}; цифрой 2 — если не нужно. Время получит тот, кто ответит первым.", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Освободилось время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }} — вы просили сообщить о нём.</p>\n<p>Чтобы записаться, ответьте на это письмо цифрой 1 до {{ offer.until | html.escape }}; цифрой 2 — если не нужно. Время получит тот, кто ответит первым.</p>", "waitlist.offer", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Освободилось время {{ slot.date }} в {{ slot.time }}", 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000016"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nВремя {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }} за вами. Клиника оформит запись и пришлёт подтверждение.", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }} за вами. Клиника оформит запись и пришлёт подтверждение.</p>", "waitlist.claimed", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Время {{ slot.date }} в {{ slot.time }} за вами", 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000017"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nВремя {{ slot.date }} в {{ slot.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }} уже занято. Вы остаётесь в листе ожидания: сообщим, когда освободится другое.", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Время <b>{{ slot.date | html.escape }} в {{ slot.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }} уже занято. Вы остаётесь в листе ожидания: сообщим, когда освободится другое.</p>", "waitlist.taken", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Время {{ slot.date }} в {{ slot.time }} уже занято", 1, null, null }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-00000000000f"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000010"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000011"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000012"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000013"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000014"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000015"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000016"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000017"));
        }
    }
}
