using System.Text.Json;
using Server.Cli;
using Tests.Common;

namespace Server.Tests.Cli;

/// <summary><c>engine tokenize</c>'s logic, run in-process on the fixture tokenizers and aidreams260K.</summary>
public sealed class TokenizeCommandTests
{
    [Fact]
    public void BatchOutput_ReproducesFixtureLines_WhenFixtureIsFedBack()
    {
        var dir = SharedFiles.PathOf("fixtures", "tokenizers", "gemini");
        var lines = File.ReadLines(Path.Combine(dir, "cases.jsonl")).Take(40).ToList();
        var output = new StringWriter();
        TokenizeCommand.RunBatch(TokenizeCommand.Load(dir), new StringReader(string.Join('\n', lines)), output);
        var produced = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Count, produced.Length);
        for (var i = 0; i < lines.Count; i++)
        {
            using var expected = JsonDocument.Parse(lines[i]);
            using var actual = JsonDocument.Parse(produced[i]);
            foreach (var field in new[] { "ids", "decoded", "decoded_skip_special" })
            {
                Assert.Equal(expected.RootElement.GetProperty(field).GetRawText().Length > 0 ? Canonical(expected.RootElement.GetProperty(field)) : "",
                    Canonical(actual.RootElement.GetProperty(field)));
            }
        }
    }

    [Fact]
    public void Describe_ListsIdsAndPieces_ForLlama2cFolder()
    {
        var output = new StringWriter();
        TokenizeCommand.Describe(TokenizeCommand.Load(SharedFiles.PathOf("models", "aidreams260K")), "I dreamed", true, output);
        var text = output.ToString();
        Assert.StartsWith("7 tokens: [1, 303, 281, 269, 435, 447, 328]", text, StringComparison.Ordinal);
        Assert.Contains("\" I\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Batch_Throws_WhenLineHasNoText() =>
        Assert.Throws<FormatException>(() => TokenizeCommand.RunBatch(
            TokenizeCommand.Load(SharedFiles.PathOf("models", "aidreams260K")), new StringReader("{\"txt\":1}"), new StringWriter()));

    private static string Canonical(JsonElement e) => JsonSerializer.Serialize(e);
}
