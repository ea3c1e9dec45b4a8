using System.Collections.Frozen;
using Comms.ProviderSimulator.Faults;

namespace Comms.ProviderSimulator.SmsRu;

/// <summary>SMS.ru's status codes and their texts, as its API documents them.</summary>
public static class SmsRuStatus
{
    public const int Ok = 100;
    public const int Delivered = 103;
    public const int WrongApiId = 200;
    public const int NoFunds = 201;
    public const int BadNumber = 202;
    public const int NoText = 203;
    public const int TooManyNumbers = 213;

    private static readonly FrozenDictionary<int, string> Texts = new Dictionary<int, string>
    {
        [-1] = "Сообщение не найдено",
        [100] = "Запрос выполнен или сообщение находится в нашей очереди",
        [101] = "Сообщение передается оператору",
        [102] = "Сообщение отправлено (в пути)",
        [103] = "Сообщение доставлено",
        [104] = "Не может быть доставлено: время жизни истекло",
        [105] = "Не может быть доставлено: удалено оператором",
        [106] = "Не может быть доставлено: сбой в телефоне",
        [107] = "Не может быть доставлено: неизвестная причина",
        [108] = "Не может быть доставлено: отклонено",
        [110] = "Сообщение прочитано",
        [150] = "Не может быть доставлено: не найден маршрут на данный номер",
        [200] = "Неправильный api_id",
        [201] = "Не хватает средств на лицевом счету",
        [202] = "Неправильно указан номер телефона получателя, либо на него нет маршрута",
        [203] = "Нет текста сообщения",
        [204] = "Имя отправителя не согласовано с администрацией",
        [205] = "Сообщение слишком длинное (превышает 8 СМС)",
        [206] = "Будет превышен или уже превышен дневной лимит на отправку сообщений",
        [207] = "На этот номер нет маршрута для доставки сообщений",
        [208] = "Параметр time указан неправильно",
        [209] = "Вы добавили этот номер (или один из номеров) в стоп-лист",
        [210] = "Используется GET, где необходимо использовать POST",
        [211] = "Метод не найден",
        [212] = "Текст сообщения необходимо передать в кодировке UTF-8",
        [213] = "Указано более 100 номеров в списке получателей",
        [215] = "Номер находится в стоп-листе оператора",
        [220] = "Сервис временно недоступен, попробуйте чуть позже",
        [230] = "Превышен общий лимит количества сообщений на этот номер в день",
        [231] = "Превышен лимит одинаковых сообщений на этот номер в минуту",
        [232] = "Превышен лимит одинаковых сообщений на этот номер в день",
        [233] = "Превышен лимит отправки повторных сообщений с кодом на этот номер за короткий промежуток времени",
    }.ToFrozenDictionary();

    public static string TextOf(int code) => Texts.GetValueOrDefault(code, "Неизвестная ошибка");

    /// <summary>
    /// SMS.ru's per-number error for a provider-neutral fault outcome; null for none. A stop-listed number answers 215,
    /// the carrier's stop-list, which is where a patient's own opt-out lands; rate limits answer 230 (daily limit).
    /// </summary>
    public static int? ForOutcome(string? outcome) => outcome switch
    {
        FaultOutcomes.NoFunds => NoFunds,
        FaultOutcomes.StopListed => 215,
        FaultOutcomes.BadNumber => BadNumber,
        FaultOutcomes.Unavailable => 220,
        FaultOutcomes.RateLimited => 230,
        _ => null,
    };

    /// <summary>SMS.ru's receipt code for a provider-neutral receipt: delivered unless told otherwise; null for none at all.</summary>
    public static int? ForReceipt(string? receipt) => receipt switch
    {
        FaultReceipts.None => null,
        FaultReceipts.Expired => 104,
        FaultReceipts.Undeliverable => 107,
        _ => Delivered,
    };

    /// <summary>Receipt codes 103 (delivered) and 110 (read) mean the phone got the message.</summary>
    public static bool IsDeliveredReceipt(int code) => code is Delivered or 110;
}
