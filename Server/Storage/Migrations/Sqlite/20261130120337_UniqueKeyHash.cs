using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SignalRTicker.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UniqueKeyHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_KeyHash",
                table: "ApiKeys",
                column: "KeyHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ApiKeys_KeyHash",
                table: "ApiKeys");
        }
    }
}
