namespace Server.Contracts;

/// <summary><c>/v1/tokenize</c> response (api.md §9.1); <see cref="TokenStrs"/> only when requested.</summary>
public sealed record TokenizeResponse(int Count, int MaxModelLen, IReadOnlyList<int> Tokens, IReadOnlyList<string>? TokenStrs);
