using System.Data.Common;

namespace Orchestration.Platform.Storage;

/// <summary>
/// The connection and transaction of one unit of work (one message, one HTTP request). Scoped, so the inbox,
/// the saga repository, the outbox and the caller's own SQL share one transaction and commit together.
/// </summary>
public sealed class SqlSession(SqlStorage storage) : IAsyncDisposable
{
    DbConnection? _connection;
    DbTransaction? _transaction;

    public SqlStorage Storage { get; } = storage;

    public bool InTransaction => _transaction is not null;

    public DbConnection Connection => _connection ?? throw new InvalidOperationException("The SQL session has no open transaction: call BeginAsync first.");

    public DbTransaction Transaction => _transaction ?? throw new InvalidOperationException("The SQL session has no open transaction: call BeginAsync first.");

    /// <summary>Raised after a commit succeeded; the outbox uses it to wake its delivery.</summary>
    public event Action? Committed;

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
            throw new InvalidOperationException("The SQL session already has an open transaction.");

        _connection ??= await Storage.OpenConnectionAsync(cancellationToken);
        _transaction = await _connection.BeginTransactionAsync(cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        var transaction = Transaction;
        _transaction = null;
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await transaction.DisposeAsync();
        }

        Committed?.Invoke();
    }

    public async Task RollbackAsync()
    {
        if (_transaction is not { } transaction)
            return;

        _transaction = null;
        try
        {
            await transaction.RollbackAsync(CancellationToken.None);
        }
        catch (Exception) when (_connection?.State != System.Data.ConnectionState.Open)
        {
            // The connection broke (which is often why we roll back); the server discards the transaction itself.
        }
        finally
        {
            await transaction.DisposeAsync();
        }
    }

    public DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
            _connection = null;
        }
    }
}
