using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SignalRTicker.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstrumentsAndKeyUpdates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "UpdatedAt",
                table: "ApiKeys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Instruments",
                columns: table => new
                {
                    Symbol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StartPrice = table.Column<decimal>(type: "TEXT", nullable: true),
                    ReservedSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastPrice = table.Column<decimal>(type: "TEXT", nullable: true),
                    LastBid = table.Column<decimal>(type: "TEXT", nullable: true),
                    LastAsk = table.Column<decimal>(type: "TEXT", nullable: true),
                    LastTimestamp = table.Column<long>(type: "INTEGER", nullable: true),
                    Reference = table.Column<decimal>(type: "TEXT", nullable: true),
                    ReferenceDay = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RemovedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Instruments", x => x.Symbol);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Instruments");

            migrationBuilder.DropColumn(
                name: "UpdatedAt",
                table: "ApiKeys");
        }
    }
}
