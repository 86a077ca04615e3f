using System.Text;
using Loader.Llama2c;
using Tests.Common;

namespace Loader.Tests.Llama2c;

public sealed class Llama2cTokenizerFileTests
{
    private static string TokenizerPath => SharedFiles.PathOf("models", "aidreams260K", "tokenizer.bin");

    [Fact]
    public void ReadsAidreamsVocabulary_AsTheModelReadmeStates()
    {
        var tokenizer = Llama2cTokenizerFile.Read(TokenizerPath, 512);

        Assert.Equal(10, tokenizer.MaxTokenLength);
        Assert.Equal(512, tokenizer.Pieces.Count);
        Assert.Equal("<unk>", Encoding.UTF8.GetString(tokenizer.Pieces[0]));
        Assert.Equal("\n<s>\n", Encoding.UTF8.GetString(tokenizer.Pieces[1]));
        Assert.Equal("\n</s>\n", Encoding.UTF8.GetString(tokenizer.Pieces[2]));
        Assert.Equal("<0x00>", Encoding.UTF8.GetString(tokenizer.Pieces[3]));
        Assert.Equal("<0xFF>", Encoding.UTF8.GetString(tokenizer.Pieces[258]));
        Assert.Equal(" ", Encoding.UTF8.GetString(tokenizer.Pieces[429]));
        Assert.Equal("e", Encoding.UTF8.GetString(tokenizer.Pieces[430]));
        Assert.All(Enumerable.Range(0, 259), id => Assert.Equal(0f, tokenizer.Scores[id]));
        Assert.All(Enumerable.Range(259, 253), id => Assert.Equal(-(id - 259), tokenizer.Scores[id]));
    }

    [Fact]
    public void Throws_NamingToken_WhenFileIsTruncated()
    {
        var bytes = File.ReadAllBytes(TokenizerPath);
        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cTokenizerFile.Parse(bytes.AsSpan(0, bytes.Length - 3), 512, "tok.bin"));
        Assert.Contains("token 511", error.Problem, StringComparison.Ordinal);
        Assert.Equal("tok.bin", error.File);
    }

    [Fact]
    public void Throws_WhenVocabSizeExceedsRecords()
    {
        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cTokenizerFile.Read(TokenizerPath, 513));
        Assert.Contains("token 512", error.Problem, StringComparison.Ordinal);
        Assert.Contains("vocab_size 513", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenRecordsRemainAfterVocabSize()
    {
        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cTokenizerFile.Read(TokenizerPath, 511));
        Assert.Contains("more tokens than vocab_size 511", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Throws_WhenLengthIsNegative()
    {
        byte[] bytes = [10, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        var error = Assert.Throws<Llama2cFormatException>(() => Llama2cTokenizerFile.Parse(bytes, 1, "t.bin"));
        Assert.Contains("negative length", error.Problem, StringComparison.Ordinal);
    }
}
