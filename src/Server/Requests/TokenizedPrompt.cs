namespace Server.Requests;

/// <summary>One prompt after tokenisation and truncation; <see cref="Text"/> is what <c>echo</c> returns.</summary>
public sealed record TokenizedPrompt(string Text, IReadOnlyList<int> TokenIds);
