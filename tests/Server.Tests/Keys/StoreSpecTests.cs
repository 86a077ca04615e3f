using Server.Stores;

namespace Server.Tests.Keys;

/// <summary>How --keys-db and --limits-redis values are read: PostgreSQL URIs and connection strings, Redis specs.</summary>
public sealed class StoreSpecTests
{
    [Theory]
    [InlineData("postgres://u@h/db", true)]
    [InlineData("postgresql://u:p@h:5433/db?sslmode=require", true)]
    [InlineData("Host=h;Database=engine;Username=u", true)]
    [InlineData("server=h;database=e", true)]
    [InlineData("/var/lib/engine/keys.db", false)]
    [InlineData("keys.db", false)]
    [InlineData("C:\\data\\host=1.db", false)]
    public void TellsPostgresSpecsFromSqliteFiles(string spec, bool postgres) =>
        Assert.Equal(postgres, PostgresConnection.IsPostgres(spec));

    [Fact]
    public void ReadsEveryPartOfALibpqUri()
    {
        var b = PostgresConnection.Parse("postgres://us%40er:p%3Ass@db.example:5433/engine%5Fkeys?sslmode=require&application_name=replica-1");

        Assert.Equal("db.example", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("us@er", b.Username);
        Assert.Equal("p:ss", b.Password);
        Assert.Equal("engine_keys", b.Database);
        Assert.Equal(Npgsql.SslMode.Require, b.SslMode);
        Assert.Equal("replica-1", b.ApplicationName);
        Assert.Equal("db.example:5433/engine_keys", PostgresConnection.Describe(b));
    }

    [Fact]
    public void DefaultsThePortAndReadsConnectionStrings()
    {
        Assert.Equal(5432, PostgresConnection.Parse("postgres://u@h/db").Port);
        var b = PostgresConnection.Parse("Host=h;Port=6000;Database=d;Username=u;Password=p");
        Assert.Equal(("h", 6000, "d"), (b.Host, b.Port, b.Database));
    }

    [Theory]
    [InlineData("postgres://u:p@h/db?no_such_parameter=1")]
    [InlineData("postgres://u:p@h/db?sslmode")]
    [InlineData("postgres:///db")]
    [InlineData("Host=h;Bogus Keyword=1")]
    public void Throws_WhenTheSpecIsMalformed_WithoutThePassword(string spec)
    {
        var e = Assert.Throws<FormatException>(() => PostgresConnection.Parse(spec));

        Assert.DoesNotContain(":p@", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RedactsPasswords()
    {
        Assert.Equal("postgres://u:***@h/db", PostgresConnection.Redacted("postgres://u:hunter2@h/db"));
        Assert.Equal("Host=h;Password=***", PostgresConnection.Redacted("Host=h;Password=hunter2"));
        Assert.Equal("postgres://u@h/db", PostgresConnection.Redacted("postgres://u@h/db"));
    }

    [Theory]
    [InlineData("redis://10.0.0.5:6380", "10.0.0.5:6380", null)]
    [InlineData("redis://:s3cret@cache", "cache:6379", "s3cret")]
    [InlineData("10.0.0.5:6380,password=s3cret", "10.0.0.5:6380", "s3cret")]
    public void ReadsRedisSpecs_FailingFastWhileDisconnected(string spec, string endpoint, string? password)
    {
        var options = RedisConnection.Parse(spec);

        Assert.Equal(endpoint, RedisConnection.Describe(options.EndPoints.Single()));
        Assert.Equal(password, options.Password);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(StackExchange.Redis.BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("redis://")]
    public void Throws_WhenTheRedisSpecNamesNoServer(string spec) =>
        Assert.Throws<FormatException>(() => RedisConnection.Parse(spec));
}
