namespace Server.Generation;

/// <summary>What stopped a choice: the matched stop string or the matched stop token id (api.md §4.3).</summary>
public readonly record struct StopReason(string? Text, int? TokenId)
{
    public static StopReason OfText(string text) => new(text, null);

    public static StopReason OfToken(int tokenId) => new(null, tokenId);
}
