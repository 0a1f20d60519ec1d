-- CreateIndex
CREATE INDEX "User_name_email_id_idx" ON "User"("name", "email", "id");
