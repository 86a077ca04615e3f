using Server.Limits;

namespace Server.Tests.Limits;

public sealed class RateLimitHeadersTests
{
    // OpenAI's x-ratelimit-reset-* duration spellings (api.md §11.4).
    [Theory]
    [InlineData(0.85, "850ms")]
    [InlineData(12.3, "12.3s")]
    [InlineData(360, "6m0s")]
    [InlineData(2 * 86400 - 1, "47h59m59s")]
    [InlineData(0, "0s")]
    public void FormatsDurationsLikeOpenAi(double seconds, string expected) =>
        Assert.Equal(expected, RateLimitHeaders.Duration(TimeSpan.FromSeconds(seconds)));
}
