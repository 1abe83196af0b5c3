-- What the takeoff engine noted on each page: where its legend symbols came from, OCR or vision-provider
-- trouble, vision tiles/tokens/cost. Replaced on every detection run, shown with the sheet in the API and
-- the review page.
alter table blueprint_pages add column notes text[] not null default '{}';
