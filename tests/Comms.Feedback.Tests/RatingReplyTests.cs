using Comms.Feedback.Features.Replies;

namespace Comms.Feedback.Tests;

public sealed class RatingReplyTests
{
    [Theory]
    [InlineData("5", 5)]
    [InlineData(" 4. ", 4)]
    [InlineData("5!", 5)]
    [InlineData("(3)", 3)]
    [InlineData("1\n", 1)]
    public void One_number_in_range_is_a_rating(string text, int expected) => Assert.Equal(expected, RatingReply.Read(text, 1, 5));

    [Theory]
    [InlineData("0")]
    [InlineData("6")]
    [InlineData("10")]
    [InlineData("оценка 4")]
    [InlineData("пять")]
    [InlineData("4 5")]
    [InlineData("4-5")]
    [InlineData("5/5")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("٥")]
    public void Anything_else_is_not_guessed(string text) => Assert.Null(RatingReply.Read(text, 1, 5));

    [Fact]
    public void Nps_takes_zero_to_ten()
    {
        Assert.Equal(0, RatingReply.Read("0", 0, 10));
        Assert.Equal(10, RatingReply.Read("10!", 0, 10));
        Assert.Null(RatingReply.Read("11", 0, 10));
    }
}
