namespace Engine.Output;

/// <summary>A token's text where it stands in its sequence (what it adds to the text before it, so the pieces of a
/// sequence join to its text) and the bytes the token itself stands for (OpenAI's chat <c>bytes</c>).</summary>
public sealed record TokenPiece(string Text, byte[] Bytes);
