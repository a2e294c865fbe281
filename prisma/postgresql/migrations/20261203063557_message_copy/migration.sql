-- CreateTable
CREATE TABLE "MessageCopy" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "heading" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageCopy_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MessageCopy_shopId_milestone_locale_key" ON "MessageCopy"("shopId", "milestone", "locale");

-- AddForeignKey
ALTER TABLE "MessageCopy" ADD CONSTRAINT "MessageCopy_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;
