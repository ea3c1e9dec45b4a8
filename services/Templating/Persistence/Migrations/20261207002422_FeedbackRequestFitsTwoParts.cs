using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackRequestFitsTwoParts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000005"),
                column: "Body",
                value: "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}{{ if feedback.link }} визит от 1 до 5 (5 — отлично): цифрой в ответ или по ссылке {{ feedback.link }}{{ else }}, пожалуйста, визит{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}: ответьте цифрой от 1 (плохо) до 5 (отлично). Спасибо!{{ end }}");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000005"),
                column: "Body",
                value: "{{ if patient.firstName }}{{ patient.firstName }}, оцените{{ else }}Оцените{{ end }}, пожалуйста, визит{{ if appointment.date }} {{ appointment.date }}{{ end }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}: ответьте цифрой от 1 (плохо) до 5 (отлично){{ if feedback.link }} или по ссылке {{ feedback.link }}{{ end }}. Спасибо!");
        }
    }
}
