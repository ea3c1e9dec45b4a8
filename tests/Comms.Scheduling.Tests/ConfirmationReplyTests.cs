using Comms.Scheduling.Features.Replies;

namespace Comms.Scheduling.Tests;

public sealed class ConfirmationReplyTests
{
    [Theory]
    [InlineData("1")]
    [InlineData(" 1. ")]
    [InlineData("да")]
    [InlineData("Да!")]
    [InlineData("ДА")]
    [InlineData("подтверждаю")]
    [InlineData("Приду")]
    [InlineData("yes")]
    public void Confirmations_are_read_as_confirmed(string text) => Assert.Equal(ConfirmationAnswer.Confirmed, ConfirmationReply.Read(text));

    [Theory]
    [InlineData("2")]
    [InlineData("нет")]
    [InlineData("Нет.")]
    [InlineData("отмена")]
    [InlineData("Отменить")]
    [InlineData("не приду")]
    [InlineData("No")]
    public void Refusals_are_read_as_cancellation_requests(string text) => Assert.Equal(ConfirmationAnswer.CancellationRequested, ConfirmationReply.Read(text));

    [Theory]
    [InlineData("3")]
    [InlineData("12")]
    [InlineData("перенесите на пятницу")]
    [InlineData("да, но опоздаю")]
    [InlineData("")]
    public void Anything_else_is_not_guessed(string text) => Assert.Equal(ConfirmationAnswer.Unrecognised, ConfirmationReply.Read(text));
}
