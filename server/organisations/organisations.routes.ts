import { Router, type Request, type Response } from 'express';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { blankForm, formRoute } from '../core/forms';
import { clientIp, noticeOf } from '../core/request-info';
import type { UploadArea } from '../core/upload';
import { validate } from '../core/validate';
import { presentFileLink, type FileService } from '../files';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { organisationFormValues, presentOrganisation, presentOrganisationFormOptions, presentReviewItem, type OrganisationContext } from './organisations.presenter';
import { LICENCE_UPLOAD, licenceSubmission, organisationParams, organisationProfileInput, verificationDecision } from './organisations.schemas';
import type { OrganisationService } from './organisations.service';

export interface OrganisationsRoutesDeps {
  organisations: OrganisationService;
  regions: RegionsService;
  taxonomy: TaxonomyService;
  files: FileService;
  uploads: UploadArea;
}

const NOTICES = new Set(['saved', 'licence-submitted', 'verification-withdrawn', 'review-decided']);

export function organisationsRoutes(deps: OrganisationsRoutesDeps): Router {
  const { organisations, regions, taxonomy, files, uploads } = deps;
  const router = guardedRouter(Router());

  const context = async (res: Response): Promise<OrganisationContext> => ({ organisations, regions, domains: await taxonomy.listDomains(), locale: res.locals.locale });

  const ownLocals = async (req: Request, res: Response) => {
    const organisation = await organisations.own(actorOf(req));
    const licence = organisation.licenceFileId ? (await files.describe([organisation.licenceFileId])).get(organisation.licenceFileId) : undefined;
    return {
      organisation: presentOrganisation(organisation, await context(res)),
      licence: licence ? presentFileLink(licence) : null,
      isAdmin: actorOf(req)?.roles.includes('org-admin') ?? false,
      notice: noticeOf(req, NOTICES),
    };
  };

  router.get('/organisation', requireRole('org-admin', 'org-member'), async (req, res) => {
    res.render('organisations/show', { ...(await ownLocals(req, res)), ...blankForm() });
  });

  // Multipart: the CSRF token comes in the query string (see server/core/csrf.ts).
  router.post(
    '/organisation/licence',
    requireRole('org-admin'),
    formRoute(
      'organisations/show',
      async (req, res) => {
        const { licence } = validate(licenceSubmission, { licence: await uploads.receive(req, res, LICENCE_UPLOAD) });
        await organisations.submitLicence(actorOf(req), licence, clientIp(req));
        res.redirect(303, '/organisation?notice=licence-submitted');
      },
      ownLocals,
    ),
  );

  const editLocals = async (_req: Request, res: Response) => presentOrganisationFormOptions(await context(res));

  router.get('/organisation/edit', requireRole('org-admin'), async (req, res) => {
    const organisation = await organisations.own(actorOf(req));
    res.render('organisations/edit', { ...(await editLocals(req, res)), ...blankForm(organisationFormValues(organisation)), status: organisation.status });
  });

  router.post(
    '/organisation/edit',
    requireRole('org-admin'),
    formRoute(
      'organisations/edit',
      async (req, res) => {
        const input = validate(organisationProfileInput, req.body);
        const { verificationWithdrawn } = await organisations.updateProfile(actorOf(req), input, clientIp(req));
        res.redirect(303, `/organisation?notice=${verificationWithdrawn ? 'verification-withdrawn' : 'saved'}`);
      },
      async (req, res) => ({ ...(await editLocals(req, res)), status: (await organisations.own(actorOf(req))).status }),
    ),
  );

  // Organisers' review of pending organisations

  const queueLocals = async (req: Request, res: Response) => {
    const [queue, ctx] = await Promise.all([organisations.reviewQueue(actorOf(req)), context(res)]);
    return { items: queue.map((item) => presentReviewItem(item, ctx)), notice: noticeOf(req, NOTICES), failedId: null as string | null };
  };

  router.get('/review/organisations', requireRole('organiser', 'platform-admin'), async (req, res) => {
    res.render('organisations/review', { ...(await queueLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/review/organisations/:id',
    requireRole('organiser', 'platform-admin'),
    formRoute(
      'organisations/review',
      async (req, res) => {
        const { id } = validate(organisationParams, req.params);
        const { decision, reason } = validate(verificationDecision, req.body);
        await organisations.setVerification(actorOf(req), id, decision, reason, clientIp(req));
        res.redirect(303, '/review/organisations?notice=review-decided');
      },
      async (req, res) => ({ ...(await queueLocals(req, res)), failedId: String(req.params.id) }),
    ),
  );

  return router;
}
