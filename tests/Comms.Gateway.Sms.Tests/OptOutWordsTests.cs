using Comms.Delivery.Consent;

namespace Comms.Gateway.Sms.Tests;

public sealed class OptOutWordsTests
{
    [Theory]
    [InlineData("СТОП")]
    [InlineData("стоп")]
    [InlineData("Стоп!")]
    [InlineData("  с т о п  ")]
    [InlineData("STOP")]
    [InlineData("stop.")]
    [InlineData("Stop all")]
    [InlineData("ОТПИСКА")]
    [InlineData("отписаться")]
    [InlineData("Отпишите меня!")]
    [InlineData("CTOП")] // Latin C, T, O typed for Cyrillic ones
    [InlineData("«СТОП»")]
    public void Refusal_words_are_opt_outs(string reply) => Assert.True(OptOutWords.IsOptOut(reply));

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("нет")]
    [InlineData("отмена")]
    [InlineData("да")]
    [InlineData("стопка")]
    [InlineData("не стоп")]
    [InlineData("")]
    [InlineData("Спасибо, приду. Стоп-кран не нужен, просто напоминаю себе, что приём в 10:30, спасибо большое!")]
    public void Answers_and_ordinary_texts_are_not_opt_outs(string reply) => Assert.False(OptOutWords.IsOptOut(reply));
}
