using Comms.Gateway.Email.Features.Replies;
using MimeKit;

namespace Comms.Gateway.Email.Tests;

/// <summary>What the reader takes as the patient's answer, in the shapes mail clients give a reply.</summary>
public sealed class ReplyTextTests
{
    public static TheoryData<string, string, string> Replies => new()
    {
        {
            "Gmail, answer above the quote, the attribution wrapped",
            "1\n\nпн, 7 дек. 2026 г. в 10:00, Клиника на Ленина <\nlenina@example-clinic.ru>:\n\n> Анна, здравствуйте!\n> Ответьте 1 или 2\n",
            "1"
        },
        {
            "Thunderbird, answer below the quote",
            "07.12.2026 10:00, Клиника на Ленина пишет:\n> Подтвердите запись\n> Ответьте 1 или 2\n\n2\n",
            "2"
        },
        {
            "Outlook, the original under From / Sent",
            "СТОП\r\n\r\nFrom: Клиника на Ленина <lenina@example-clinic.ru>\r\nSent: Monday, December 7, 2026 10:00 AM\r\nTo: anna@example.ru\r\nSubject: Подтвердите запись\r\n\r\nАнна, здравствуйте!",
            "СТОП"
        },
        {
            "Outlook in Russian, the original under a rule",
            "Да\n\n________________________________\nОт: Клиника на Ленина <lenina@example-clinic.ru>\nОтправлено: 7 декабря 2026 г. 10:00\n",
            "Да"
        },
        {
            "iPhone's signature",
            "2\n\nОтправлено с iPhone\n\n> 7 дек. 2026 г., в 10:00, Клиника <lenina@example-clinic.ru> написал(а):\n",
            "2"
        },
        {
            "a signature after the delimiter",
            "Можно перенести на четверг?\n-- \nАнна Иванова\n+7 916 123-45-67",
            "Можно перенести на четверг?"
        },
        {
            "a sign-off without delimiter",
            "Не смогу прийти, заболела.\n\nС уважением,\nАнна",
            "Не смогу прийти, заболела."
        },
        {
            "a forwarded original",
            "1\n\n-------- Исходное сообщение --------\nТема: Подтвердите запись\n",
            "1"
        },
        {
            "nothing but the quote",
            "\n\n07.12.2026, 10:00, \"Клиника\" <lenina@example-clinic.ru>:\n> Подтвердите запись\n",
            ""
        },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void The_answer_is_what_the_patient_wrote_above_or_below_the_quote(string client, string body, string answer)
    {
        Assert.True(answer == ReplyText.Answer(body), $"{client}: got «{ReplyText.Answer(body)}»");
    }

    [Fact]
    public void An_html_only_reply_is_read_without_its_quoted_original()
    {
        var mail = Mail("Re: Подтвердите запись", html: "<div dir=\"ltr\">2<br></div><br><div class=\"gmail_quote\"><div>пн, 7 дек., Клиника:</div>" +
            "<blockquote class=\"gmail_quote\">Ответьте 1 или 2</blockquote></div>");

        Assert.Equal("2", ReplyText.Of(mail));
    }

    [Fact]
    public void A_fresh_mail_with_an_empty_body_is_read_by_its_subject_but_a_replys_subject_is_ours()
    {
        Assert.Equal("СТОП", ReplyText.Of(Mail("СТОП", text: "")));
        Assert.Equal("", ReplyText.Of(Mail("Re: Подтвердите запись на приём 25.11.2026 в 10:30", text: "> Ответьте 1 или 2")));
        Assert.Equal("", ReplyText.Of(Mail("Ответ: Подтвердите запись", text: "")));
    }

    [Fact]
    public void A_very_long_answer_is_cut()
    {
        Assert.Equal(ReplyText.MaxLength, ReplyText.Of(Mail("Вопрос", text: new string('а', 10_000))).Length);
    }

    private static MimeMessage Mail(string subject, string? text = null, string? html = null)
    {
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        return new MimeMessage { Subject = subject, Body = body.ToMessageBody() };
    }
}
