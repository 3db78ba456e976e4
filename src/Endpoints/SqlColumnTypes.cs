using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;

namespace Orchestration.Endpoints;

/// <summary>
/// How the business stores' columns become .NET values and back through Dapper, decided once for both engines:
/// <list type="bullet">
/// <item>A time is a <c>bigint</c> of Unix milliseconds (UTC): a <see cref="DateTimeOffset"/> is written and read as that number.</item>
/// <item>A date is ISO <c>yyyy-MM-dd</c> text.</item>
/// <item>An id is a <c>uuid</c> on PostgreSQL and a 16-byte BLOB on SQLite, which Microsoft.Data.Sqlite writes for a <see cref="Guid"/>
/// but reads back as bytes.</item>
/// <item>An amount is <c>numeric</c> on PostgreSQL and exact decimal text on SQLite (a REAL would round it).</item>
/// <item>SQLite returns every integer as a long; an <see cref="int"/> member takes it when it fits.</item>
/// <item>A column fills the member or constructor parameter of the same name without its underscores (<c>lease_id</c>: <c>LeaseId</c>).</item>
/// </list>
/// Each endpoint compiles this file in and registers it as its assembly loads, before any store can run; a second
/// endpoint in the same process registers the same again, which changes nothing.
/// </summary>
static class SqlColumnTypes
{
    [ModuleInitializer]
    internal static void Register()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        // Dapper binds a parameter of a type on its own list without asking a handler: these two leave the list.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.RemoveTypeMap(typeof(DateOnly));
        SqlMapper.RemoveTypeMap(typeof(DateOnly?));

        SqlMapper.AddTypeHandler(new UnixMilliseconds());
        SqlMapper.AddTypeHandler(new IsoDate());
        SqlMapper.AddTypeHandler(new Id());
        SqlMapper.AddTypeHandler(new Amount());
        SqlMapper.AddTypeHandler(new WholeNumber());
    }

    /// <summary>A command in the session's transaction, on which Dapper runs with <c>session.Connection</c>.</summary>
    public static CommandDefinition Command(this SqlSession session, string sql, object? parameters, CancellationToken cancellationToken) =>
        new(sql, parameters, session.Transaction, cancellationToken: cancellationToken);

    sealed class UnixMilliseconds : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.Int64;
            parameter.Value = value.ToUnixTimeMilliseconds();
        }

        public override DateTimeOffset Parse(object value) =>
            DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }

    sealed class IsoDate : SqlMapper.TypeHandler<DateOnly>
    {
        const string Format = "yyyy-MM-dd";

        public override void SetValue(IDbDataParameter parameter, DateOnly value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = value.ToString(Format, CultureInfo.InvariantCulture);
        }

        public override DateOnly Parse(object value) => DateOnly.ParseExact((string)value, Format, CultureInfo.InvariantCulture);
    }

    // Written by each driver's own Guid binding (Dapper keeps Guid on its list); only reading needs the bytes turned back.
    sealed class Id : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value) => parameter.Value = value;

        public override Guid Parse(object value) => value switch
        {
            Guid id => id,
            byte[] bytes => new Guid(bytes),
            _ => Guid.Parse((string)value, CultureInfo.InvariantCulture),
        };
    }

    // Written by each driver's own decimal binding (numeric, or invariant text on SQLite); read as Microsoft.Data.Sqlite's GetDecimal reads it.
    sealed class Amount : SqlMapper.TypeHandler<decimal>
    {
        public override void SetValue(IDbDataParameter parameter, decimal value) => parameter.Value = value;

        public override decimal Parse(object value) => value is string text
            ? decimal.Parse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture)
            : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
    }

    sealed class WholeNumber : SqlMapper.TypeHandler<int>
    {
        public override void SetValue(IDbDataParameter parameter, int value) => parameter.Value = value;

        public override int Parse(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }
}
