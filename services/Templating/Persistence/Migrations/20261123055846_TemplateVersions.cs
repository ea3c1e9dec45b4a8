using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TemplateVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_message_templates_Key_Channel_Locale_Version",
                table: "message_templates");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArchivedAt",
                table: "message_templates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Author",
                table: "message_templates",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "system");

            migrationBuilder.AddColumn<int>(
                name: "BasedOnVersion",
                table: "message_templates",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClinicId",
                table: "message_templates",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Html",
                table: "message_templates",
                type: "character varying(50000)",
                maxLength: 50000,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "WhatsAppParameters",
                table: "message_templates",
                type: "text[]",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WhatsAppTemplateName",
                table: "message_templates",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000001"),
                columns: new[] { "ArchivedAt", "Author", "BasedOnVersion", "ClinicId", "Html", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[] { null, "system", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000002"),
                columns: new[] { "ArchivedAt", "Author", "BasedOnVersion", "ClinicId", "Html", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[] { null, "system", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000003"),
                columns: new[] { "ArchivedAt", "Author", "BasedOnVersion", "ClinicId", "Html", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[] { null, "system", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000004"),
                columns: new[] { "ArchivedAt", "Author", "BasedOnVersion", "ClinicId", "Html", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[] { null, "system", null, null, null, null, null });

            migrationBuilder.InsertData(
                table: "message_templates",
                columns: new[] { "Id", "ArchivedAt", "Author", "BasedOnVersion", "Body", "Channel", "ClinicId", "CreatedAt", "Html", "Key", "Locale", "PublishedAt", "Status", "Subject", "Version", "WhatsAppParameters", "WhatsAppTemplateName" },
                values: new object[,]
                {
                    { new Guid("0193f5a0-0000-7000-8000-000000000005"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}, пожалуйста, визит{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if feedback.link }}, по ссылке {{ feedback.link }}{{ else }}: ответьте цифрой от 1 (плохо) до 5 (отлично){{ end }}. Спасибо!", "sms", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, "feedback.request", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", null, 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000006"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nВы записаны на приём {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.\n\nЧтобы подтвердить запись, ответьте на это письмо цифрой 1, чтобы отменить — цифрой 2.{{ if clinic.phone }}\nПеренести приём можно по телефону {{ clinic.phone }}.{{ end }}", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>\n<p>Чтобы подтвердить запись, ответьте на это письмо цифрой 1, чтобы отменить — цифрой 2.</p>{{ if clinic.phone }}\n<p>Перенести приём можно по телефону {{ clinic.phone | html.escape }}.</p>{{ end }}", "appointment.confirmation", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Подтвердите запись на приём {{ appointment.date }} в {{ appointment.time }}", 1, null, null },
                    { new Guid("0193f5a0-0000-7000-8000-000000000007"), null, "system", null, "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nНапоминаем, что вы записаны на приём {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.{{ if clinic.phone }}\n\nЕсли планы изменились, позвоните нам: {{ clinic.phone }}.{{ end }}", "email", null, new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Напоминаем, что вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>{{ if clinic.phone }}\n<p>Если планы изменились, позвоните нам: {{ clinic.phone | html.escape }}.</p>{{ end }}", "appointment.reminder", "ru", new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), "published", "Напоминаем о приёме {{ appointment.date }} в {{ appointment.time }}", 1, null, null }
                });

            migrationBuilder.CreateIndex(
                name: "IX_message_templates_Key_Channel_Locale_ClinicId_Version",
                table: "message_templates",
                columns: new[] { "Key", "Channel", "Locale", "ClinicId", "Version" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);

            // The old schema allowed several published versions of a text; the newest stays published.
            migrationBuilder.Sql("""
                UPDATE message_templates t SET "Status" = 'archived', "ArchivedAt" = now()
                WHERE t."Status" = 'published' AND EXISTS (
                    SELECT 1 FROM message_templates n
                    WHERE n."Status" = 'published' AND n."Key" = t."Key" AND n."Channel" = t."Channel"
                      AND n."Locale" = t."Locale" AND n."ClinicId" IS NOT DISTINCT FROM t."ClinicId" AND n."Version" > t."Version")
                """);

            migrationBuilder.CreateIndex(
                name: "ix_message_templates_one_draft",
                table: "message_templates",
                columns: new[] { "Key", "Channel", "Locale", "ClinicId" },
                unique: true,
                filter: "\"Status\" = 'draft'")
                .Annotation("Npgsql:NullsDistinct", false);

            migrationBuilder.CreateIndex(
                name: "ix_message_templates_one_published",
                table: "message_templates",
                columns: new[] { "Key", "Channel", "Locale", "ClinicId" },
                unique: true,
                filter: "\"Status\" = 'published'")
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_message_templates_Key_Channel_Locale_ClinicId_Version",
                table: "message_templates");

            migrationBuilder.DropIndex(
                name: "ix_message_templates_one_draft",
                table: "message_templates");

            migrationBuilder.DropIndex(
                name: "ix_message_templates_one_published",
                table: "message_templates");

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000005"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000006"));

            migrationBuilder.DeleteData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000007"));

            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "Author",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "BasedOnVersion",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "ClinicId",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "Html",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "WhatsAppParameters",
                table: "message_templates");

            migrationBuilder.DropColumn(
                name: "WhatsAppTemplateName",
                table: "message_templates");

            migrationBuilder.CreateIndex(
                name: "IX_message_templates_Key_Channel_Locale_Version",
                table: "message_templates",
                columns: new[] { "Key", "Channel", "Locale", "Version" },
                unique: true);
        }
    }
}
