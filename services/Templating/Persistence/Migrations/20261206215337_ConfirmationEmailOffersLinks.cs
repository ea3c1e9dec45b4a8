using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Comms.Templating.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ConfirmationEmailOffersLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000006"),
                columns: new[] { "Body", "Html" },
                values: new object[] { "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nВы записаны на приём {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.\n\nПодтвердите запись или отмените её по ссылке ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).{{ if clinic.phone }}\nПеренести приём можно по телефону {{ clinic.phone }}.{{ end }}", "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>\n<p>Подтвердите запись или отмените её кнопкой ниже — или ответьте на это письмо цифрой 1 (подтвердить) или 2 (отменить).</p>{{ if clinic.phone }}\n<p>Перенести приём можно по телефону {{ clinic.phone | html.escape }}.</p>{{ end }}" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.UpdateData(
                table: "message_templates",
                keyColumn: "Id",
                keyValue: new Guid("0193f5a0-0000-7000-8000-000000000006"),
                columns: new[] { "Body", "Html" },
                values: new object[] { "{{ if patient.firstName }}{{ patient.firstName }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}\n\nВы записаны на приём {{ appointment.date }} в {{ appointment.time }}{{ if clinic.name }}, {{ clinic.name }}{{ end }}{{ if clinic.address }}, {{ clinic.address }}{{ end }}.\n\nЧтобы подтвердить запись, ответьте на это письмо цифрой 1, чтобы отменить — цифрой 2.{{ if clinic.phone }}\nПеренести приём можно по телефону {{ clinic.phone }}.{{ end }}", "<p>{{ if patient.firstName }}{{ patient.firstName | html.escape }}, здравствуйте!{{ else }}Здравствуйте!{{ end }}</p>\n<p>Вы записаны на приём <b>{{ appointment.date | html.escape }} в {{ appointment.time | html.escape }}</b>{{ if clinic.name }}, {{ clinic.name | html.escape }}{{ end }}{{ if clinic.address }}, {{ clinic.address | html.escape }}{{ end }}.</p>\n<p>Чтобы подтвердить запись, ответьте на это письмо цифрой 1, чтобы отменить — цифрой 2.</p>{{ if clinic.phone }}\n<p>Перенести приём можно по телефону {{ clinic.phone | html.escape }}.</p>{{ end }}" });
        }
    }
}
